import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";

/** A modal dialog on the native <dialog>: focus moves in, Escape closes, focus goes back. */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={headingId}
      class="dialog"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={headingId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** A dialog form's foot: the API's message (if any), then Cancel and the action. */
export function DialogActions({
  error,
  busy,
  cancel,
  action,
  kind,
  onClose,
}: {
  error: string | null;
  busy: boolean;
  cancel: string;
  action: string;
  kind: "primary" | "danger";
  onClose: () => void;
}) {
  return (
    <>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="row end">
        <button type="button" onClick={onClose}>
          {cancel}
        </button>
        <button type="submit" class={kind} disabled={busy}>
          {action}
        </button>
      </div>
    </>
  );
}
