/**
 * A miner's capability record (DESIGN §8), the body of `POST /v1/miners/register`. The request's
 * signature (src/protocol/signed-request.ts) covers the body's SHA-256, so the record is signed by the
 * miner's key; the coordinator stores it with the address that key hashes to.
 */
import { AitbcError } from '../../core/errors.js';
import {
  readAddress,
  readAmount,
  readObject,
  readPositiveInt,
  readString,
  readUint,
} from '../../protocol/fields.js';
import { MAX_MODEL_BYTES, RECEIPT_BACKENDS } from '../../protocol/receipt.js';
import type { ReceiptBackend } from '../../protocol/types.js';

export interface GpuInfo {
  name: string;
  memoryMb?: number;
}

export interface Capability {
  models: string[];
  backend: ReceiptBackend;
  /** uait per 1,000 tokens */
  unitPrice: bigint;
  concurrency: number;
  /** where receipts pay; defaults to the miner's own address */
  payTo: string;
  gpu?: GpuInfo;
  /** model → digest (e.g. Ollama's `sha256:…`), copied into receipts' `modelDigest` */
  modelDigests?: Record<string, string>;
  /** the miner software's version string */
  version?: string;
}

/**
 * Validates a capability record. The `echo` backend serves exactly the model `echo` (DESIGN §8).
 * @throws AitbcError INVALID_INPUT / INVALID_AMOUNT / INVALID_ADDRESS naming the field.
 */
export function parseCapability(
  value: unknown,
  miner: string,
  limits: { maxModelsPerMiner: number; maxConcurrency: number },
): Capability {
  const o = readObject(
    value,
    '$',
    ['models', 'backend', 'unitPrice', 'concurrency'],
    ['payTo', 'gpu', 'modelDigests', 'version'],
  );
  if (!Array.isArray(o.models) || o.models.length === 0 || o.models.length > limits.maxModelsPerMiner)
    throw new AitbcError(
      'INVALID_INPUT',
      `models must be a list of 1 to ${limits.maxModelsPerMiner} model ids`,
      {
        field: 'models',
      },
    );
  const models = o.models.map((m, i) => readString(m, `models[${i}]`, MAX_MODEL_BYTES));
  if (new Set(models).size !== models.length)
    throw new AitbcError('INVALID_INPUT', 'models lists a model twice', { field: 'models' });
  if (!RECEIPT_BACKENDS.includes(o.backend as ReceiptBackend))
    throw new AitbcError('INVALID_INPUT', `backend must be one of ${RECEIPT_BACKENDS.join(', ')}`, {
      field: 'backend',
    });
  const backend = o.backend as ReceiptBackend;
  if (backend === 'echo' && (models.length !== 1 || models[0] !== 'echo'))
    throw new AitbcError('INVALID_INPUT', 'the echo backend serves exactly the model "echo"', {
      field: 'models',
    });
  const unitPrice = readAmount(o.unitPrice, 'unitPrice');
  const concurrency = readPositiveInt(o.concurrency, 'concurrency');
  if (concurrency > limits.maxConcurrency)
    throw new AitbcError('INVALID_INPUT', `concurrency must be at most ${limits.maxConcurrency}`, {
      field: 'concurrency',
    });
  const cap: Capability = {
    models,
    backend,
    unitPrice,
    concurrency,
    payTo: o.payTo === undefined ? miner : readAddress(o.payTo, 'payTo'),
  };
  if (o.gpu !== undefined) {
    const g = readObject(o.gpu, 'gpu', ['name'], ['memoryMb']);
    cap.gpu = { name: readString(g.name, 'gpu.name', 256) };
    if (g.memoryMb !== undefined) cap.gpu.memoryMb = readUint(g.memoryMb, 'gpu.memoryMb');
  }
  if (o.modelDigests !== undefined) {
    const d = readObject(o.modelDigests, 'modelDigests', [], models);
    cap.modelDigests = {};
    for (const [model, digest] of Object.entries(d))
      cap.modelDigests[model] = readString(digest, `modelDigests.${model}`, MAX_MODEL_BYTES);
  }
  if (o.version !== undefined) cap.version = readString(o.version, 'version', 128);
  return cap;
}
