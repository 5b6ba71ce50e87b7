// Every seed's own commands against a running playground, through the same curl lines the seeds print (only the
// host:port is the private stack's): the TypeScript seed's Express client app, and the Go and Kotlin seeds' spellings
// of the machine operator, fan-out, saga, package tracker and user feed, with their subscription commands.
// A private stack: the seeds' subscription curls add consumers that must not reach the shared stack's tests.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { eventually, privateStack, type OwnStack } from "../helpers.js";
import { listeners } from "../../src/runtime/ports.js";

const execFileP = promisify(execFile);
const own = privateStack();

/** Run a seed's shell line as written, on this stack's ports (8080 ingress, 9070 admin, 5000/5050 client app). */
async function seed(s: OwnStack, line: string): Promise<string> {
  const p = s.ports;
  const onStack = line
    .replaceAll("localhost:8080", `127.0.0.1:${p.ingress}`)
    .replaceAll("localhost:9070", `127.0.0.1:${p.admin}`)
    .replaceAll(/localhost:50[05]0/g, `127.0.0.1:${p.clientApp}`);
  const { stdout } = await execFileP("bash", ["-c", onStack], { timeout: 120_000 });
  return stdout.trim();
}

/**
 * The records reach the playground's own package-tracker too (its subscription is part of the stack), which does not
 * know a package registered under the seed's spelling: it rejects them (one failed invocation each, nothing blocked),
 * and `produce` says so with exit 1. The alias object, fed by the seed's subscription, is what the seed reads.
 */
function producedToAlias(r: { code: number; stderr: string }): void {
  expect(r.stderr, "the records were produced").toMatch(/produced to Kafka/);
  if (r.code !== 0) expect(r.stderr, "exit 1 only for records a handler rejected").toMatch(/rejected by the handler/);
}

async function getJson<T>(s: OwnStack, path: string): Promise<T> {
  const res = await fetch(`${s.ingressUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "" });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe("the TypeScript seed's Express client app", () => {
  it("answers the seed's three curls with true, false, true (the reservation id is the idempotency key)", async () => {
    const s = own();
    expect(await seed(s, "curl -X POST localhost:5000/reserve/product1/reservation1"), "first reservation").toBe("true");
    expect(await seed(s, "curl -X POST localhost:5050/reserve/product1/reservation2"), "another reservation of the product").toBe("false");
    expect(await seed(s, "curl -X POST localhost:5050/reserve/product1/reservation1"), "the first again").toBe("true");
    const status = JSON.parse((await s.cli(["status", "--json"])).stdout) as { components: { name: string; healthy: boolean; port: number; pid: number }[] };
    const app = status.components.find((c) => c.name === "client-app");
    expect(app, "status lists the client app").toBeDefined();
    expect(app!.healthy).toBe(true);
    expect(app!.port).toBe(s.ports.clientApp);
    const bound = (await listeners()).filter((l) => l.pid === app!.pid);
    expect(bound.map((l) => `${l.address}:${l.port}`)).toEqual([`127.0.0.1:${s.ports.clientApp}`]);
  });
});

describe("the Go seed's spellings", () => {
  it("MachineOperator/{id}/SetUp and the concurrent block", async () => {
    const s = own();
    expect(await seed(s, "curl -X POST localhost:8080/MachineOperator/my-machine/SetUp")).toMatch(/my-machine.*up/i);
    await seed(
      s,
      [
        "(curl -X POST localhost:8080/MachineOperator/a/SetUp &)",
        "(curl -X POST localhost:8080/MachineOperator/a/TearDown &)",
        "(curl -X POST localhost:8080/MachineOperator/b/SetUp &)",
        "(curl -X POST localhost:8080/MachineOperator/b/SetUp &)",
        "(curl -X POST localhost:8080/MachineOperator/b/TearDown &)",
        "wait",
      ].join("\n"),
    );
    // the block's requests race (which of a's two arrives first is up to the shell): every one completes, one at a
    // time per machine, and each machine ends in a state
    await eventually(
      "the six MachineOperator invocations completed",
      async () => {
        const [row] = await s.admin.query<{ n: number }>("SELECT COUNT(*) AS n FROM sys_invocation WHERE target_service_name = 'MachineOperator' AND status = 'completed'");
        return Number(row?.n ?? 0) >= 6;
      },
      120_000,
      250,
    );
    for (const m of ["a", "b"]) expect(["UP", "DOWN"], `MachineOperator/${m}`).toContain((await getJson<{ status: string | null }>(s, `/MachineOperator/${m}/GetStatus`)).status);
    expect((await getJson<{ status: string }>(s, "/MachineOperator/my-machine/GetStatus")).status).toBe("UP");
  });

  it("FanOutWorker/Run", async () => {
    const s = own();
    const out = await seed(s, `curl -X POST http://localhost:8080/FanOutWorker/Run -H "Content-Type: application/json" -d '{"description": "get out of bed,shower,make coffee,have breakfast"}'`);
    const r = JSON.parse(out) as { description: string };
    for (const t of ["get out of bed", "shower", "make coffee", "have breakfast"]) expect(r.description, t).toContain(`${t}: DONE`);
  });

  it("BookingWorkflow/{trip}/Run with the snake_case payload, and the Kotlin seed's run with camelCase", async () => {
    const s = own();
    const go = await seed(
      s,
      `curl -X POST localhost:8080/BookingWorkflow/trip123/Run -H 'content-type: application/json' -d '{
  "flights": {
    "flight_id": "12345",
    "passenger_name": "John Doe"
  },
  "car": {
    "pickup_location": "Airport",
    "rental_date": "2024-12-16"
  },
  "payment_info": {
    "card_number": "4111111111111111",
    "amount": 1500
  }
}'`,
    );
    expect(JSON.parse(go)).toMatchObject({ tripId: "trip123", status: "CONFIRMED" });
    const kotlin = await seed(
      s,
      `curl -X POST localhost:8080/BookingWorkflow/trip12/run -H 'content-type: application/json' -d '{
  "flights": {
    "flightId": "12345",
    "passengerName": "John Doe"
  },
  "car": {
    "pickupLocation": "Airport",
    "rentalDate": "2024-12-16"
  },
  "paymentInfo": {
    "cardNumber": "4111111111111111",
    "amount": 1500
  }
}'`,
    );
    expect(JSON.parse(kotlin)).toMatchObject({ tripId: "trip12", status: "CONFIRMED" });
  });
});

describe("the package tracker, Go then Kotlin spelling, with the seeds' subscription commands", () => {
  it("PackageTracker/{id}/RegisterPackage, Kafka locations through the seed's subscription, GetPackageInfo", async () => {
    const s = own();
    const sub = JSON.parse(
      await seed(
        s,
        `curl localhost:9070/subscriptions -H 'content-type: application/json' \\
    -d '{
        "source": "kafka://my-cluster/package-location-updates",
        "sink": "service://PackageTracker/UpdateLocation",
        "options": {"auto.offset.reset": "earliest"}
    }'`,
      ),
    ) as { id: string; sink: string };
    expect(sub.sink).toBe("service://PackageTracker/UpdateLocation");
    await seed(
      s,
      `curl localhost:8080/PackageTracker/package123/RegisterPackage \\
      -H 'content-type: application/json' -d '{"finalDestination": "Bridge 6, Amsterdam"}'`,
    );
    const produced = await s.cli([
      "produce",
      "package-location-updates",
      'package123:{"timestamp": "2024-10-10 13:00", "location": "Pinetree Road 5, Paris"}',
      'package123:{"timestamp": "2024-10-10 14:00", "location": "Mountain Road 155, Brussels"}',
    ]);
    producedToAlias(produced);
    const info = await eventually(
      "two locations on PackageTracker/package123",
      async () => {
        const v = JSON.parse(await seed(s, "curl localhost:8080/PackageTracker/package123/GetPackageInfo")) as { finalDestination: string; locations?: { location: string }[] };
        return (v.locations?.length ?? 0) >= 2 ? v : undefined;
      },
      60_000,
      250,
    );
    expect(info.finalDestination).toBe("Bridge 6, Amsterdam");
    expect(info.locations!.map((l) => l.location)).toEqual(["Pinetree Road 5, Paris", "Mountain Road 155, Brussels"]);
    // the Kotlin run below subscribes the same object again: one subscription at a time, as a seed reader would have
    await seed(s, `curl -X DELETE localhost:9070/subscriptions/${sub.id}`);

    const kotlinSub = JSON.parse(
      await seed(
        s,
        `curl localhost:9070/subscriptions -H 'content-type: application/json' \\
    -d '{
        "source": "kafka://my-cluster/package-location-updates",
        "sink": "service://PackageTracker/updateLocation",
        "options": {"auto.offset.reset": "earliest"}
    }'`,
      ),
    ) as { sink: string };
    expect(kotlinSub.sink).toBe("service://PackageTracker/updateLocation");
    await seed(
      s,
      `curl localhost:8080/PackageTracker/package1/registerPackage \\
      -H 'content-type: application/json' -d '{"finalDestination": "Bridge 6, Amsterdam"}'`,
    );
    const again = await s.cli([
      "produce",
      "package-location-updates",
      'package1:{"timestamp": "2024-10-10 13:00", "location": "Pinetree Road 5, Paris"}',
      'package1:{"timestamp": "2024-10-10 14:00", "location": "Mountain Road 155, Brussels"}',
    ]);
    producedToAlias(again);
    const kotlinInfo = await eventually(
      "two locations on PackageTracker/package1",
      async () => {
        const v = JSON.parse(await seed(s, "curl localhost:8080/PackageTracker/package1/getPackageInfo")) as { locations?: { location: string }[] };
        return (v.locations?.length ?? 0) >= 2 ? v : undefined;
      },
      60_000,
      250,
    );
    expect(kotlinInfo.locations!.map((l) => l.location)).toEqual(["Pinetree Road 5, Paris", "Mountain Road 155, Brussels"]);
  });
});

describe("the user feed's subscription commands (Go and Kotlin)", () => {
  it("service://UserFeed/ProcessPost and service://UserFeed/processPost are accepted and take the posts in", async () => {
    const s = own();
    for (const sink of ["UserFeed/ProcessPost", "UserFeed/processPost"]) {
      const out = await seed(
        s,
        `curl localhost:9070/subscriptions -H 'content-type: application/json' \\
    -d '{
        "source": "kafka://my-cluster/social-media-posts",
        "sink": "service://${sink}",
        "options": {"auto.offset.reset": "earliest"}
    }'`,
      );
      expect((JSON.parse(out) as { sink?: string }).sink, out).toBe(`service://${sink}`);
    }
    const produced = await s.cli(["produce", "social-media-posts", 'userid1:{"content": "Hi! This is my first post!", "metadata": "public"}']);
    expect(produced.code, produced.stderr).toBe(0);
    // both seed subscriptions feed the alias object, the playground's own one feeds userFeed
    await eventually("two posts in UserFeed/userid1's feed (one per seed subscription)", async () => (await getJson<unknown[]>(s, "/UserFeed/userid1/getFeed")).length >= 2, 90_000, 250);
    await eventually("the post in userFeed/userid1's feed", async () => (await getJson<unknown[]>(s, "/userFeed/userid1/getFeed")).length >= 1, 90_000, 250);
  });
});
