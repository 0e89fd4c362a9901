// Receipts sent after a successful delivery: a WhatsApp text and the same receipt as a PNG image.
export { formatDateTime, formatToken } from './format.js';
export { escapeXml, RECEIPT_WIDTH, receiptSvg, renderReceiptPng, renderViewPng } from './image.js';
export { receiptText, renderReceiptText } from './text.js';
export { buildReceiptView, type ReceiptOptions, type ReceiptView } from './view.js';
