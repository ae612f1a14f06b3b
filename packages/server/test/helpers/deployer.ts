import { Integration, bold, link, readPayload, rich, skip, type FilterSpec, type Payload, type ProcessOutput } from '@missive-integrations/core'

/** A small provider for the playground tests: one deploy post with an attachment, plus a follow-up. */
export class Deployer extends Integration {
  override get schema() {
    return { options: [{ key: 'team', type: 'String' as const, required: true, label: 'Team' }] }
  }
  override get events() {
    return ['deploy']
  }
  override get filters(): readonly FilterSpec[] {
    return [
      {
        key: 'environments',
        kind: 'list',
        noun: 'environment',
        label: 'Environments',
        description: 'only deploys to these environments',
        read: (p) => p.optionalString('environment'),
      },
    ]
  }
  override event(payload: Payload) {
    return typeof payload.type === 'string' ? payload.type : undefined
  }
  override process(payload: Payload, _request: unknown, options: Record<string, unknown>): ProcessOutput {
    if (payload.type !== 'deploy') return skip(`${String(payload.type)} is not posted`)
    const p = readPayload(payload, this.id, 'deploy')
    const sentence = rich`${bold(p.string('user'))} deployed ${link(p.string('url'), p.string('app'))} to ${p.string('environment')}`
    return [
      {
        references: [`${p.string('app')}/${p.string('environment')}`],
        subject: `${p.string('app')} [${p.string('environment')}]`,
        color: 'danger',
        notification: sentence.plain,
        attachment: {
          color: '#0093ce',
          pretext: sentence.text,
          title: 'Deploy #42',
          title_link: 'javascript:alert(3)',
          text: p.string('message'),
          fields: [
            { title: 'Team', value: String(options.team), short: true },
            { title: 'Environment', value: p.string('environment'), short: true },
          ],
          image_url: p.string('image'),
          footer: 'Deployer',
          timestamp: 1700000000,
        },
      },
      { conversation: 'c-42', text: rich`${bold('Ada')} mentioned this conversation in ${link('https://deploys.example/web/42', 'web#42')}`.text },
    ]
  }
}
