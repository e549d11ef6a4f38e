/**
 * Compliance profiles (PCI DSS 4.0.1, HIPAA 164.312): rules a configuration and its forms must keep,
 * checked by the builder, by {@code submit} and by the webhook relay. See {@code docs/COMPLIANCE.md}.
 */
package dev.lhn.secureforms.compliance;
