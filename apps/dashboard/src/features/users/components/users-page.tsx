export default function UsersPage(_props: { params: Record<string, string> }) {
  return <h1>Users</h1>;
}
