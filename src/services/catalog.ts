// Every service the one worker serves: each folder of the worker's registry, loaded.
import { workerFolders } from "./registry.js";

const workers = await Promise.all(workerFolders.map((w) => w.worker()));

export const allServices = workers.flatMap((w) => w.services);
