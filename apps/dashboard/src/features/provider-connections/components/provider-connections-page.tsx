export default function ProviderConnectionsPage(_props: { params: Record<string, string> }) {
  return <h1>Provider connections</h1>;
}
