// The named ctx.run steps of the machine operator (defined in model.ts): where a crash can be armed.
export { MACHINE_RUN_STEP_NAMES as steps } from "./model.js";
