export {
  createToastStore,
  isOthersAction,
  type Toast,
  type ToastInput,
  type ToastStore,
  type ToastTone,
} from './toast-store';
export { Toaster, ToastProvider, useToast } from './toaster';
export { useChangeToasts } from './use-change-toasts';
