// What the package-tracker pattern runs in the worker.
import { packageTracker, deliveryTracker } from "./trackers.js";

export const services = [packageTracker, deliveryTracker];
