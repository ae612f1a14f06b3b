export { default } from '../../tsup.provider.ts'
