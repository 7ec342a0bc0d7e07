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
  // Who opened it: the element that had focus when the dialog first rendered (a menu hands
  // focus back to its button before opening one).
  const opener = useRef<Element | null>(null);
  if (opener.current === null && typeof document !== "undefined") opener.current = document.activeElement ?? document.body;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    return () => {
      // While the modal dialog is open everything else is inert and takes no focus: close
      // it first, then focus goes back to its opener (when that is still on the page).
      if (dialog?.open) {
        if (typeof dialog.close === "function") dialog.close();
        else dialog.removeAttribute("open");
      }
      const back = opener.current as HTMLElement | null;
      if (back && back !== document.body && back.isConnected) back.focus?.();
    };
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

/** Asks before something that cannot be undone: a sentence, Cancel and the action. */
export function ConfirmDialog({
  title,
  text,
  action,
  cancel,
  kind = "danger",
  busy = false,
  error = null,
  onConfirm,
  onClose,
}: {
  title: string;
  text: string;
  action: string;
  cancel: string;
  kind?: "primary" | "danger";
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        <p>{text}</p>
        <DialogActions error={error} busy={busy} cancel={cancel} action={action} kind={kind} onClose={onClose} />
      </form>
    </Dialog>
  );
}
