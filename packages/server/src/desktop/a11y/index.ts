export { Accessibility, type AccessibilityOptions } from './accessibility.js';
export {
  accessibilityEnv,
  CHROMIUM_ACCESSIBILITY_SWITCH,
  isChromiumLike,
  withChromiumAccessibility,
} from './accessibility-env.js';
