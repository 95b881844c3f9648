export default function CreateCampaignWizard(_props: { params: Record<string, string> }) {
  return <h1>New campaign</h1>;
}
