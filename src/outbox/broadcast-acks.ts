// A chat broadcast's progress shows how many recipients WhatsApp reported delivered and read: the
// acknowledgement of the recipient's outbox row moves its status forward (never back: read stays read).
import type { BroadcastRepo, DeliveryStatus, OutboxMessage } from '../store/types.js';

export async function recordBroadcastAck(
  broadcasts: BroadcastRepo,
  m: OutboxMessage,
  status: DeliveryStatus,
  at: number,
): Promise<void> {
  if (m.kind !== 'broadcast' || !m.broadcastId) return;
  if (status === 'delivered')
    await broadcasts.mark(m.broadcastId, m.chat, 'delivered', { from: ['sent'], at });
  else if (status === 'read' || status === 'played')
    await broadcasts.mark(m.broadcastId, m.chat, 'read', { from: ['sent', 'delivered'], at });
}
