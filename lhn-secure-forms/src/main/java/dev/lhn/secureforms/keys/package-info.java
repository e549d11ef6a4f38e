/**
 * Epoch keys (docs/KEYS.md): their ids ({@link dev.lhn.secureforms.keys.EpochKeyId}), their stored, wrapped
 * form ({@link dev.lhn.secureforms.keys.StoredEpochKey}) and the SPI of where they live
 * ({@link dev.lhn.secureforms.keys.EpochKeyStore}).
 */
package dev.lhn.secureforms.keys;
