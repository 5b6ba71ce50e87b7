// What the sync-to-async pattern runs in the worker.
import { dataUploader } from "./data-uploader.js";

export const services = [dataUploader];
