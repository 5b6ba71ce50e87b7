// The one-line messages of the handler-input schemas (src/services/lib/problems.ts): the field, missing or invalid,
// and what was expected; a missing object names its first required field, so the message says what to add.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { problemsOf } from "../../src/services/lib/problems.js";

const Event = z.object({
  id: z.string(),
  created: z.number({ error: "expected unix seconds" }),
  data: z.object({ object: z.object({ id: z.string(), customer: z.string() }) }),
});

describe("problemsOf", () => {
  it("is empty for a valid value", () => {
    expect(problemsOf(Event, { id: "evt_1", created: 1, data: { object: { id: "in_1", customer: "c" } } })).toEqual([]);
  });
  it("names a missing field, and the first field of a missing object", () => {
    expect(problemsOf(Event, { id: "evt_1", created: 1 })).toEqual(["data.object.id is missing: data is missing"]);
    expect(problemsOf(Event, { id: "evt_1", created: 1, data: { object: { id: "in_1" } } })).toEqual(["data.object.customer is missing"]);
  });
  it("names an invalid field with the schema's own words, one line each", () => {
    const p = problemsOf(Event, { id: "evt_1", created: "yesterday", data: { object: { id: "in_1", customer: "c" } } });
    expect(p).toEqual(["created is invalid: expected unix seconds"]);
  });
  it("speaks of the request body when the whole value is wrong", () => {
    expect(problemsOf(Event, undefined)).toEqual(["the request body is missing: expected {id, created, data}"]);
    expect(problemsOf(Event, [1, 2])[0]).toMatch(/^the request body is invalid: /);
    expect(problemsOf(Event, [1, 2])[0]).not.toMatch(/\n/);
  });
});
