export default function ApiKeysPage(_props: { params: Record<string, string> }) {
  return <h1>API keys</h1>;
}
