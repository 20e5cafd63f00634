import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeDescriptor, cosemDateTimeToDate, dataAsDateTime, hexToBytes } from '@openams/dlms';
import { DlmsClient, InMemoryInvocationCounterStore, WrapperTransport, connectTcp } from '@openams/dlms-session';
import { GatewayClientTransport, manifestJson } from '@openams/meter-sim';
import { CliError } from '../cli-error.ts';
import { runSim } from './sim.ts';
import type { SimControl } from './sim.ts';

function io(): { out: () => string; err: () => string; io: { stdout: { write(s: string): void }; stderr: { write(s: string): void } } } {
  let out = '';
  let err = '';
  return { out: () => out, err: () => err, io: { stdout: { write: (s) => void (out += s) }, stderr: { write: (s) => void (err += s) } } };
}

const never: SimControl = { signal: new AbortController().signal };

test('sim --manifest alone writes the key file and exits; the same seed gives the same bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'openams-sim-'));
  try {
    const files = [join(dir, 'a.json'), join(dir, 'b.json')];
    for (const file of files) {
      const c = io();
      assert.equal(await runSim(['--meters', '300', '--seed', 'cli-test', '--manifest', file], c.io, never), 0, c.err());
      assert.match(c.out(), /manifest: .*300 meters/);
    }
    const [a, b] = [await readFile(files[0] as string, 'utf8'), await readFile(files[1] as string, 'utf8')];
    assert.equal(a, b);
    assert.equal(a, manifestJson({ seed: 'cli-test', meters: 300, address: '127.0.0.1:4059' }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sim --listen serves a head-end until stopped, then prints what it served', async () => {
  const c = io();
  const ac = new AbortController();
  let clockIso = '';
  const code = await runSim(['--meters', '200', '--seed', 'cli-test', '--listen', '127.0.0.1:0', '--faults', 'none', '--start', '2026-11-25T12:00:00Z', '--speed', '1'], c.io, {
    signal: ac.signal,
    onReady: ({ fleet, wrapper }) => {
      void (async () => {
        try {
          assert.ok(wrapper);
          const id = fleet.identity(150);
          const socket = await connectTcp('127.0.0.1', wrapper.port, { timeoutMs: 2000 });
          const transport = new GatewayClientTransport(new WrapperTransport(socket, { role: 'client', clientSap: 1, serverSap: 1 }), id.systemTitle);
          const client = new DlmsClient({
            transport,
            requestTimeoutMs: 5000,
            authentication: { mechanism: 'high-gmac' },
            security: { systemTitle: hexToBytes('4F414D0000000001'), serverSystemTitle: id.systemTitle, keys: id.keys, invocationCounter: new InMemoryInvocationCounterStore(1) },
          });
          await client.associate();
          const clock = await client.get(attributeDescriptor(8, '0-0:1.0.0.255', 2));
          const t = clock.ok ? dataAsDateTime(clock.value) : undefined;
          clockIso = t ? cosemDateTimeToDate(t).toISOString() : '';
          await client.release();
          await client.close();
        } finally {
          ac.abort();
        }
      })();
    },
  });
  assert.equal(code, 0, c.err());
  assert.match(clockIso, /^2026-11-25T12:00:/);
  assert.match(c.err(), /starting: 200\/200 meters/);
  assert.match(c.out(), /wrapper \(IEC 62056-47\) on 127\.0\.0\.1:\d+/);
  assert.match(c.out(), /sessions 1 \(management 1, public 0\), released 1/);
  assert.match(c.out(), /faults injected 0/);
});

test('sim refuses bad flags with usage errors, and a bad fault file with every problem listed', async () => {
  await assert.rejects(runSim(['--meters', '0'], io().io, never), CliError);
  await assert.rejects(runSim(['--meters', '10', '--speed=-2'], io().io, never), CliError);
  await assert.rejects(runSim(['--meters', '10', '--speed', 'fast'], io().io, never), CliError);
  await assert.rejects(runSim(['--meters', '10', '--listen', 'nowhere'], io().io, never), CliError);
  await assert.rejects(runSim(['--meters', '10', '--start', 'yesterday'], io().io, never), CliError);
  const dir = await mkdtemp(join(tmpdir(), 'openams-sim-'));
  try {
    const file = join(dir, 'faults.json');
    await writeFile(file, JSON.stringify({ missingValueShare: 3, causes: { rain: 1 } }));
    const c = io();
    assert.equal(await runSim(['--meters', '10', '--faults', file], c.io, never), 1);
    assert.match(c.err(), /missingValueShare must be a number in 0\.\.1/);
    assert.match(c.err(), /causes\.rain is not a known field/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sim exits 1 when its port is taken', async () => {
  const first = io();
  const ac = new AbortController();
  let second = -1;
  let message = '';
  const running = runSim(['--meters', '5', '--listen', '127.0.0.1:0', '--faults', 'none'], first.io, {
    signal: ac.signal,
    onReady: ({ wrapper }) => {
      void (async () => {
        const c = io();
        second = await runSim(['--meters', '5', '--listen', `127.0.0.1:${wrapper?.port ?? 0}`, '--faults', 'none'], c.io, never);
        message = c.err();
        ac.abort();
      })();
    },
  });
  assert.equal(await running, 0);
  assert.equal(second, 1);
  assert.match(message, /cannot listen for the wrapper/);
});
