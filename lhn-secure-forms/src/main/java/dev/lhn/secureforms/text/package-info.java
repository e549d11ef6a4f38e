/**
 * Card numbers, card expiry dates and codes, and US social security numbers in chat text: find them
 * ({@link dev.lhn.secureforms.text.SensitiveText#scan}), redact them before a transcript is stored or sent
 * ({@link dev.lhn.secureforms.text.SensitiveText#redact}, {@code redactTranscript}), and catch a number split
 * over consecutive messages ({@link dev.lhn.secureforms.text.ConversationScanner}). See {@code docs/TEXT.md}.
 */
package dev.lhn.secureforms.text;
