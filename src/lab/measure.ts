// What the bench and the chaos run read off a running stack's processes, and the Kafka producer they load it with.
import { readFileSync } from "node:fs";
import { Kafka, logLevel, type Producer } from "kafkajs";

/** Resident memory of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** User + system CPU ticks a process has used so far (Linux /proc). */
export function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

export async function kafkaProducer(brokerPort: number, clientId: string): Promise<Producer> {
  const kafka = new Kafka({ clientId, brokers: [`127.0.0.1:${brokerPort}`], logLevel: logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  return p;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
