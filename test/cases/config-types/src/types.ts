/** The application's shape of `users.settings`. */
export interface UserSettings {
  theme: 'light' | 'dark' | 'system';
  locale: string;
  email_notifications: boolean;
}
