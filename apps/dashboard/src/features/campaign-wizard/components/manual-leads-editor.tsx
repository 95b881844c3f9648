import { Button } from '../../../components/button';
import { emptyLead, type ManualLead } from '../model/wizard-draft';

/** Leads typed by hand: one row per lead, a phone (E.164, or national in the default country) and optional names. */
export function ManualLeadsEditor({ leads, onChange }: { leads: ManualLead[]; onChange: (l: ManualLead[]) => void }) {
  const set = (key: number, p: Partial<ManualLead>): void => onChange(leads.map((l) => (l.key === key ? { ...l, ...p } : l)));
  return (
    <>
      <table aria-label="Leads typed by hand">
        <thead><tr><th scope="col">Phone</th><th scope="col">First name</th><th scope="col">Last name</th><th scope="col"><span className="visually-hidden">Remove</span></th></tr></thead>
        <tbody>
          {leads.map((l, i) => (
            <tr key={l.key}>
              <td><input type="tel" aria-label={`Phone of lead ${i + 1}`} value={l.phone} maxLength={40} placeholder="+14155552671" onChange={(e) => set(l.key, { phone: e.target.value })} /></td>
              <td><input aria-label={`First name of lead ${i + 1}`} value={l.firstName} maxLength={100} onChange={(e) => set(l.key, { firstName: e.target.value })} /></td>
              <td><input aria-label={`Last name of lead ${i + 1}`} value={l.lastName} maxLength={100} onChange={(e) => set(l.key, { lastName: e.target.value })} /></td>
              <td><Button size="small" onClick={() => onChange(leads.length > 1 ? leads.filter((x) => x.key !== l.key) : [emptyLead()])}>Remove lead {i + 1}</Button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button onClick={() => onChange([...leads, emptyLead()])} disabled={leads.length >= 200}>Add a lead</Button>
      <p className="muted">Each number is checked when the campaign is created (format, duplicates, do-not-call); refused rows are listed on the result.</p>
    </>
  );
}
