package dev.lhn.secureforms.sealed;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A form the operator sent to a conversation: what the visitor's page needs to seal a submission of it.
 * Issued by {@code SecureForms.requestForm}; its {@link #token()} binds the form, its schema version, the
 * conversation and the expiry, and is accepted once ({@code docs/BROWSER.md}). Not secret: it authorises a
 * single submission into one conversation, which the host delivers only to that conversation's visitor.
 *
 * @param requestId the request's id (22 characters, base64url of 16 random bytes)
 * @param formId the form
 * @param schemaVersion the form's schema version
 * @param expiresAt when the request expires
 * @param token the form request token the payload carries (base64url, authenticated by the deployment)
 * @param key the sealing key the page seals to
 */
public record FormRequest(String requestId, String formId, int schemaVersion, Instant expiresAt, String token,
    SealingKey key) {

  /**
   * Checks every component.
   *
   * @param requestId the request's id
   * @param formId the form
   * @param schemaVersion the form's schema version
   * @param expiresAt when the request expires
   * @param token the token
   * @param key the sealing key
   */
  public FormRequest {
    requireNonNull(requestId, "requestId");
    requireNonNull(formId, "formId");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(token, "token");
    requireNonNull(key, "key");
  }

  /**
   * The JSON the visitor's page is given with the form's schema: {@code {"token":..., "formId":...,
   * "schemaVersion":..., "expiresAt":..., "key":{...}}}.
   *
   * @return the request as JSON
   */
  public String toJson() {
    return "{\"token\":\"" + token + "\",\"formId\":\"" + formId + "\",\"schemaVersion\":" + schemaVersion
        + ",\"expiresAt\":\"" + expiresAt + "\",\"key\":" + key.toJson() + "}";
  }
}
