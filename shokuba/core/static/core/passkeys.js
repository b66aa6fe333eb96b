// Passkeys page (core/templates/core/two_factor_passkeys.html). django-otp-webauthn's script registers the passkey
// and fires `otp_webauthn.register_complete` with its id; this sends the form that names it (the page comes back
// with the passkey on the list). Pressing Enter in the name field starts the registration instead of sending an
// empty form.
(function () {
  "use strict";
  const form = document.getElementById("passkey-name-form");
  if (!form) {
    return;
  }
  const idField = form.querySelector("input[name='passkey']");
  document.addEventListener("otp_webauthn.register_complete", function (event) {
    if (!event.detail || !event.detail.id) {
      return;
    }
    idField.value = String(event.detail.id);
    form.submit();
  });
  form.addEventListener("submit", function (event) {
    if (idField.value) {
      return;
    }
    event.preventDefault();
    const button = document.getElementById("passkey-register-button");
    if (button && !button.disabled) {
      button.click();
    }
  });
})();
