/**
 * The GPU a miner advertises (DESIGN §8): name and memory from `nvidia-smi` when it is present; nothing
 * when it is absent or fails (no GPU is ever invented).
 */
import { execFile } from 'node:child_process';

export interface GpuInfo {
  name: string;
  memoryMb: number;
}

/** Parses `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits` (first GPU). */
export function parseNvidiaSmi(text: string): GpuInfo | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) return undefined;
  const at = line.lastIndexOf(',');
  if (at < 0) return undefined;
  const name = line.slice(0, at).trim();
  const memoryMb = Number(line.slice(at + 1).trim());
  if (name === '' || !Number.isSafeInteger(memoryMb) || memoryMb <= 0) return undefined;
  return { name, memoryMb };
}

/** Runs nvidia-smi (2 s limit); undefined when there is none. */
export function detectGpu(command = 'nvidia-smi'): Promise<GpuInfo | undefined> {
  return new Promise((resolve) => {
    execFile(
      command,
      ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'],
      { timeout: 2_000 },
      (err, stdout) => resolve(err ? undefined : parseNvidiaSmi(stdout)),
    );
  });
}
