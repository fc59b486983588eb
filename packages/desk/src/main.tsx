import { render } from 'preact';
import { sessionTokenStore } from './api/token-store.js';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('desk');
if (root !== null) render(<App store={sessionTokenStore()} />, root);
