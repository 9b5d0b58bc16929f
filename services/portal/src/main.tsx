import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api';
import { App } from './App';
import { createPortalClient } from './client';
import './styles.css';

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <ApiContext.Provider value={createPortalClient()}>
        <App />
      </ApiContext.Provider>
    </StrictMode>,
  );
