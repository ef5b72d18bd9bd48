// Copies text with the Clipboard API where allowed (secure contexts, permission), else the older
// execCommand path, else a prompt the reader can copy from by hand.
import { t } from './i18n.js';

export async function copyLink(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused or document not focused: try the older way.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'clipboard-helper';
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  if (!copied) window.prompt(t('copy.manual'), text);
  return copied;
}
