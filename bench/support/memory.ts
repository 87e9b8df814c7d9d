/**
 * A process's memory from /proc/<pid>/status (Linux; elsewhere NaN), in MB: resident now (VmRSS)
 * and at its peak (VmHWM), and the resident part that is anonymous memory — the JavaScript heap,
 * buffers, malloc — (RssAnon) against mapped files such as the node binary (RssFile).
 */
import { readFileSync } from 'node:fs';

export interface Memory {
  rssMB: number;
  peakMB: number;
  anonMB: number;
  fileMB: number;
}

export function memoryOf(pid: number | undefined): Memory {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    /* not Linux, or gone */
  }
  const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
  return { rssMB: mb('VmRSS'), peakMB: mb('VmHWM'), anonMB: mb('RssAnon'), fileMB: mb('RssFile') };
}
