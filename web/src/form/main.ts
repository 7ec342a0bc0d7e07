// The embeddable form's script (`/form.js`): defines <inquiry-form>, once.
import { InquiryForm } from "./element";

if (!customElements.get("inquiry-form")) customElements.define("inquiry-form", InquiryForm);
