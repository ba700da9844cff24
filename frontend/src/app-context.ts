import { createContext, useContext } from 'react';
import type { Api } from './api';
import type { AppConfig, Session } from './types';

export interface AppServices {
  readonly config: AppConfig;
  readonly api: Api;
  readonly session: Session;
}

export const AppContext = createContext<AppServices | undefined>(undefined);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside <AppContext>');
  return services;
}
