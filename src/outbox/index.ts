// The durable outbox pipeline: producers enqueue (outbox.ts), the drainer sends at the rate (drainer.ts,
// pacer.ts), WhatsApp's acknowledgements come back (delivery.ts), old finished messages go (retention.ts).
export { createDeliveryTracker, type DeliveryUpdate, deliveryStatusOf } from './delivery.js';
export { createDrainer, type Drainer, type DrainerDeps, type SendTarget } from './drainer.js';
export {
  ChannelNotReadyError,
  classifySendError,
  isRateOverlimit,
  PermanentSendError,
  type SendErrorKind,
} from './errors.js';
export { createOutbox, type Outbox, text } from './outbox.js';
export { createPacer, type Pacer } from './pacer.js';
export { createOutboxPipeline, type OutboxAttachment } from './pipeline.js';
export { createOutboxRetention, type OutboxRetention } from './retention.js';
