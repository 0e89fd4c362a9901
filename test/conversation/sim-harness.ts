// A dialogue harness over the real bot: sandbox channel -> runner -> real parser -> machine -> order desk
// -> the in-process Intech simulator. Each turn reports the bot's replies and what reached the simulator.
import type { RunningBot } from '../../src/bot.js';
import type { SimTransaction } from '../../src/sandbox/simulator/types.js';
import { say, startTestBot, transcript, waitFor } from '../e2e/helpers.js';

export interface SimTurn {
  replies: string;
  /** Transactions created at the simulator by this turn (and what it set off: collect, then delivery). */
  txs: SimTransaction[];
}

export class SimBot {
  private constructor(readonly bot: RunningBot) {}

  static async start(): Promise<SimBot> {
    return new SimBot(await startTestBot({ SIM_APPROVAL_DELAY_MS: '40', SIM_CALLBACK_DELAY_MS: '10' }));
  }

  stop(): Promise<void> {
    return this.bot.stop();
  }

  transactions(): SimTransaction[] {
    return this.bot.simulator!.control.transactions() as SimTransaction[];
  }

  /**
   * One customer message. When it set off a payment request, waits until the simulator settled it and
   * (if paid) the delivery too, so the next turn starts from a quiet state.
   */
  async turn(from: string, text: string, opts: { settle?: boolean } = {}): Promise<SimTurn> {
    const before = new Set(this.transactions().map((t) => t.transactionId));
    const res = await say(this.bot, from, text);
    if (res.status !== 200) throw new Error(`sandbox answered ${res.status}`);
    // Receipts sent through Intech's WhatsApp messaging are not money: left out.
    const fresh = () =>
      this.transactions().filter(
        (t) => !before.has(t.transactionId) && t.codeService !== 'WHATSAPP_MESSAGING',
      );
    let txs = fresh();
    if (opts.settle === false) {
      // A payment request left waiting on a phone: wait for it to reach the simulator, not to settle.
      txs = await waitFor(async () =>
        fresh().some((t) => /CASH_OUT/.test(t.codeService)) ? fresh() : false,
      );
    } else if (txs.some((t) => /CASH_OUT/.test(t.codeService))) {
      // Collect approved (auto) -> callback -> delivery -> its callback: wait for the delivery to settle.
      txs = await waitFor(
        async () => {
          const now = fresh();
          const collect = now.find((t) => /CASH_OUT/.test(t.codeService));
          if (!collect || collect.status === 'PENDING') return false;
          if (collect.status !== 'SUCCESS') return now;
          const deliver = now.find((t) => !/CASH_OUT/.test(t.codeService));
          return deliver && deliver.status !== 'PENDING' ? now : false;
        },
        10_000,
        20,
      );
    }
    return { replies: res.replies.map((r) => r.text).join('\n---\n'), txs };
  }

  async outbound(phone: string): Promise<string[]> {
    return (await transcript(this.bot, phone)).filter((e) => e.direction === 'out').map((e) => e.text);
  }
}
