// What the user-feed pattern runs in the worker.
import { userFeed } from "./user-feed.js";

export const services = [userFeed];
