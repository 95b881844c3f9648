export default function CampaignDetailPage(_props: { params: Record<string, string> }) {
  return <h1>Campaign</h1>;
}
