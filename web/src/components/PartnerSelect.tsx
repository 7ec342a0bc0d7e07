import type { Partner } from "../api";
import { t } from "../i18n";

/** A labelled choice of partner, "any partner" first (the list and report filters). */
export function PartnerSelect({
  id,
  value,
  partners,
  onChange,
}: {
  id: string;
  value: string;
  partners: Partner[];
  onChange: (partnerId: string) => void;
}) {
  const words = t();
  return (
    <div class="field wide">
      <label for={id}>{words.partner}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{words.anyPartner}</option>
        {partners.map((p) => (
          <option value={p.id ?? p.partner_id} key={p.id ?? p.partner_id}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}
