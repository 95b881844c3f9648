export default function AnalyticsPage(_props: { params: Record<string, string> }) {
  return <h1>Analytics</h1>;
}
