// The package tracker's contract: the TypeScript seed's package-tracker and the Go/Kotlin seeds' delivery-tracker,
// both fed from the package-location-updates topic.
import type { deliveryTracker, LocationUpdate, PackageInfo, packageTracker } from "./trackers.js";
import { contract } from "../lib/contract.js";
export type { LocationUpdate, PackageInfo };

export const PACKAGE_TRACKER = "package-tracker";
export const DELIVERY_TRACKER = "delivery-tracker";

/** The typed definitions callers use: ingress(url).objectClient(packageTrackerApi, id).getPackageInfo() */
export const packageTrackerApi = contract<typeof packageTracker>(PACKAGE_TRACKER);
export const deliveryTrackerApi = contract<typeof deliveryTracker>(DELIVERY_TRACKER);
