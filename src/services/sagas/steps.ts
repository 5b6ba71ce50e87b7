// The named ctx.run steps of the saga (defined with its pure logic in model.ts): where a crash can be armed.
export { SAGA_RUN_STEP_NAMES as steps } from "./model.js";
