// The form's look, inside its shadow root: the host page's styles do not reach in, ours do
// not leak out. Inherited text (font, colour) comes from the host; a host may set the
// custom properties --inquiry-accent and --inquiry-radius.
export const STYLE = `
:host{display:block;position:relative;max-width:44rem}
:host([hidden]){display:none}
*{box-sizing:border-box}
.inquiry-form{--accent:var(--inquiry-accent,#1d4f91);--radius:var(--inquiry-radius,8px);--danger:#b3261e;--line:#6b7480}
form,.done{display:flex;flex-direction:column;gap:1rem}
.note{margin:0;font-size:.9em;color:inherit;opacity:.85}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,15rem),1fr));gap:1rem}
.field{display:flex;flex-direction:column;gap:.3rem;min-width:0}
.wide{grid-column:1/-1}
label{font-weight:600}
input,select,textarea{font:inherit;color:inherit;background:#fff;color:#1c2127;width:100%;padding:.55rem .65rem;border:1px solid var(--line);border-radius:var(--radius);min-height:2.75rem}
textarea{resize:vertical}
input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible,a:focus-visible,.done:focus-visible,.summary:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
[aria-invalid=true]{border-color:var(--danger);border-width:2px}
.error{margin:0;color:var(--danger);font-size:.92em;font-weight:600}
.summary{padding:.75rem 1rem;border-left:4px solid var(--danger);background:#fdecea;color:#5f1410;border-radius:var(--radius)}
.consent{display:grid;grid-template-columns:auto 1fr;gap:.25rem .6rem;align-items:start}
.consent input{width:1.35rem;height:1.35rem;min-height:0;margin:.15rem 0 0;accent-color:var(--accent)}
.consent label{font-weight:400}
.consent .error{grid-column:2}
a{color:var(--accent)}
.star{color:var(--danger)}
button{font:inherit;font-weight:600;align-self:flex-start;padding:.7rem 1.4rem;min-height:2.75rem;border:0;border-radius:var(--radius);background:var(--accent);color:#fff;cursor:pointer}
button:disabled{opacity:.6;cursor:progress}
.status{margin:0;min-height:1.2em}
.status:empty{display:none}
.trap{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.done{padding:1rem 1.25rem;border-left:4px solid #1f7a4d;background:#e8f4ee;color:#10321f;border-radius:var(--radius)}
.done p{margin:0}
.thanks{font-weight:700;font-size:1.1em}
.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05em}
[hidden]{display:none!important}
`;
