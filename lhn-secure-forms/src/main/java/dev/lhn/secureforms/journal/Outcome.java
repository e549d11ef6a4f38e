package dev.lhn.secureforms.journal;

/** How an attempt ended, as PCI DSS 10.2.2 asks ("success or failure indication"). */
public enum Outcome {
  /** The action happened. */
  SUCCESS,
  /** The action was attempted and failed (a KEK outage, tampering, a store failure). */
  FAILURE,
  /** The action was refused: the authorizer said no, or a required reason for access was missing. */
  DENIED
}
