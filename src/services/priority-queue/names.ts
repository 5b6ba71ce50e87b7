// Names of the priority queue that the CLI, the scenario and the handlers share (no SDK import).

/** Ledger system of the priority queue's simulated computation; "start"/"end" records per item, keyed by queue. */
export const PQ_SYSTEM = "expensive-computation";
export const PQ_WORK_STEP = "expensive computation";
