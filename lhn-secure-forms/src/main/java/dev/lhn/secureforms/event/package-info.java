/** Events of the lifecycle (metadata only) and the hash-chained audit log. */
package dev.lhn.secureforms.event;
