// Every service the one worker serves: each registered pattern's worker folder and the playground's own services.
import { internal, patterns } from "../registry.js";

const workers = await Promise.all([...patterns, ...internal].map((p) => p.worker()));

export const allServices = workers.flatMap((w) => w.services);
