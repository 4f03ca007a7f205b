// Every test file's setup: after each test the worker's event loop gets a turn. Files whose tests
// run machines synchronously (a SeaBIOS boot per test, QEMU through spawnSync) would otherwise keep
// vitest's own replies waiting in the message queue across tests, and past 60 s of that vitest fails
// the run with 'Timeout calling "onTaskUpdate"' although every test passed.
import { afterEach } from "vitest";

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
