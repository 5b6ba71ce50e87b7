// The sync-to-async pattern's contract: the seed's dataUploader workflow, its inputs and results.
import type { dataUploader } from "./data-uploader.js";
import { contract } from "../lib/contract.js";
export const DATA_UPLOADER = "dataUploader";

/** dataUploader/{id}/run input: optional; no body means a fast upload (the seed's run takes none) */
export interface UploadOpts {
  slow?: boolean | null;
}

/** Simulated upload durations. They race the client's timeout (real seconds), so they are not time-scaled. */
export const FAST_UPLOAD_MS = 1500;
export const SLOW_UPLOAD_MS = 10_000;

export interface EmailRequest {
  email: string;
}

export interface EmailResult {
  sent: true;
  to: string;
  url: string;
}

/** The typed definition callers use: ingress(url).workflowClient(dataUploaderApi, id) */
export const dataUploaderApi = contract<typeof dataUploader>(DATA_UPLOADER);
