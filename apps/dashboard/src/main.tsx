import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import './app/global.css';
import { storeSession } from './features/auth/api/get-session';
import { setUnauthorizedHandler } from './lib/api-client';
import { queryClient } from './lib/query-client';

// Any 401 (session expired, signed out elsewhere): forget the session; the app shows the sign-in page.
setUnauthorizedHandler(() => {
  if (queryClient.getQueryData(['auth', 'session'])) {
    queryClient.clear();
  }
  storeSession(null);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
