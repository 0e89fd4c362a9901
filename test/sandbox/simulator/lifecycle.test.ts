import { expect, it } from 'vitest';
import { op, post, sleep, startReceiver, startSim, waitFor } from './helpers.js';

it('close() drops held requests and no callback fires after stop/reset', async () => {
  const rcv = await startReceiver();
  const sim = await startSim({ callbackDelayMs: 80 });
  try {
    sim.control.script({ outcome: 'timeout' });
    const held = fetch(`${sim.url}/api-services/operation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        op(rcv.url, {
          codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
          phone: '772457199',
          amount: 100,
        }),
      ),
    }).then(
      () => 'answered',
      () => 'dropped',
    );
    await waitFor(() => sim.control.stats().heldResponses === 1);
    // A pending transaction whose outcome is wiped by reset: no callback for it.
    await post(
      sim.url,
      '/api-services/operation',
      op(rcv.url, { codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '772457198', amount: 100 }),
    );
    sim.control.reset();
    expect(await held).toBe('dropped');
    expect(sim.control.stats().heldResponses).toBe(0);
    expect(sim.control.balance()).toBe(1_000_000);
    await post(
      sim.url,
      '/api-services/operation',
      op(rcv.url, { codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '772457197', amount: 100 }),
    );
    await sim.stop();
    await sleep(200);
    expect(rcv.received).toHaveLength(0);
  } finally {
    await sim.close();
    await rcv.close();
  }
});
