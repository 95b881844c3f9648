export default function AuditLogPage(_props: { params: Record<string, string> }) {
  return <h1>Audit log</h1>;
}
