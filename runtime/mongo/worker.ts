// Runs inside the worker thread: hosts the server with the options from workerData and answers
// the parent's messages (see worker-protocol.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { startCpuProfile } from '../cpu-profile';
import { hostEmbeddedMongo, type Host } from './host';
import type { Logger } from './server';
import { serializeError, type FromWorker, type ToWorker, type WorkerOptions } from './worker-protocol';

const port = parentPort!;
const send = (message: FromWorker): void => port.postMessage(message);

function forwardingLogger(): Logger {
  return {
    info: (obj, msg) => send({ type: 'log', level: 'info', obj, msg }),
    warn: (obj, msg) => send({ type: 'log', level: 'warn', obj, msg }),
    error: (obj, msg) => send({ type: 'log', level: 'error', obj, msg }),
  };
}

const stopProfile = await startCpuProfile('mongo');

async function closeOnRequest(host: Host, message: ToWorker): Promise<void> {
  if (message.type !== 'close') return;
  let failure: unknown;
  try {
    await host.close();
    await stopProfile();
  } catch (error) {
    failure = error;
  }
  send({ type: 'closed', error: failure === undefined ? undefined : serializeError(failure) });
  port.close(); // nothing else keeps the thread alive: it exits
}

async function main(): Promise<void> {
  const { forwardLogs, ...options } = workerData as WorkerOptions;
  let host: Host;
  try {
    host = await hostEmbeddedMongo({ ...options, logger: forwardLogs ? forwardingLogger() : undefined });
  } catch (error) {
    send({ type: 'failed', error: serializeError(error) });
    port.close();
    return;
  }
  port.on('message', (message: ToWorker) => void closeOnRequest(host, message));
  send({ type: 'listening', uri: host.uri, socketPath: host.socketPath });
}

await main();
