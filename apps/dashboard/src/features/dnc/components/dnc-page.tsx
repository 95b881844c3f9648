export default function DncPage(_props: { params: Record<string, string> }) {
  return <h1>Do not call</h1>;
}
