// The playground's own services' contract: `playground` (ping, the recovery tour) and `playgroundVersion` (the
// versioning tour), called by the tours through the typed client.
import type { playground, playgroundLane } from "./index.js";
import type { playgroundVersion } from "./versioning.js";
import { VERSION_SERVICE } from "./steps.js";
import { contract } from "../lib/contract.js";

export const PLAYGROUND = "playground";
export const PLAYGROUND_LANE = "playgroundLane";

/** The typed definitions callers use: ingress(url).serviceClient(playgroundApi).ping() */
export const playgroundApi = contract<typeof playground>(PLAYGROUND);
export const playgroundLaneApi = contract<typeof playgroundLane>(PLAYGROUND_LANE);
export const versionServiceApi = contract<typeof playgroundVersion>(VERSION_SERVICE);
